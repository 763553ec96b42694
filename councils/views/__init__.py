"""Views of the cooperation's structure, one module per part."""
