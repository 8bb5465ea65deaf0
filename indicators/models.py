"""The indicator catalogue and the yearly tables (Phụ lục 03, 07) come with
the indicators issue; the app is registered now so that its place in the
layout is fixed."""
