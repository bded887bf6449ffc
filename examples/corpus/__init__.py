"""The bundled example corpus: one Turtle file per source."""
