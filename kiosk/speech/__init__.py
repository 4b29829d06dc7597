"""Speech for blind and partially sighted visitors (docs/accessibility.md): an engine that speaks a
language at a rate and volume (`engine`, `espeak`), the sentences a screen is read as (`phrases`), the
keypad's keys (`keys`) and whether headphones are plugged in (`headphones`). No Kivy here."""
