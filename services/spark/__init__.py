"""The batch extractor on Apache Spark: ``skillgraph spark-extract`` (optional ``spark`` extra)."""
