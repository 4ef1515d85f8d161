"""The ways users reach SkillGraph: the REST API, the batch CLI and (later) RDF export."""
