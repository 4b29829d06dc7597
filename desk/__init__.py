"""The content desk: a Django application where editors write what the terminals show and publishers sign it."""
