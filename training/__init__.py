"""Training, evaluation and model export for SkillGraph encoders."""
