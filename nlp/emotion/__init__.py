"""Emotion models: character TF-IDF + logistic regression, and a small transformer encoder."""
