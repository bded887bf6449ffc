"""The policygraph ontology, shapes and module files, shipped as package data."""
