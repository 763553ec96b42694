"""Views of concern cases, one module per part."""
