"""Server-rendered pages that compose the apps below it; nothing imports portal."""
