"""Pure-Python domain core: periods, Vietnamese formats, text, expressions, claim checking.

Nothing in this package imports Django; the edges turn its errors into translated messages.
"""
