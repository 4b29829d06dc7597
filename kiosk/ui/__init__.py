"""Everything that imports Kivy lives in this package, and nothing outside it imports Kivy."""
