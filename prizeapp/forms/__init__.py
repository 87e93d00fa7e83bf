"""One form per screen: the shape of the input and its validation messages."""
