"""What lessons show: lesson builders, figures and timelines, the options as HTML, the
glossary, quizzes, the keyboard guard of lesson widgets, and running notebooks in place.

Uses the core only.
"""
