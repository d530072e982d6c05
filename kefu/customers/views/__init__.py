"""Customer archive pages: the list (with export), create/edit, and the 360° page."""
