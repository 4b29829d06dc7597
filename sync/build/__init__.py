"""Feed builders for `kiosk-feed build`: OpenStreetMap, iCalendar and CSV sources into one feed.

`assemble.build_feed` composes them; each source module turns one kind of file into plain feed
data and says what it left out in a `report.BuildReport`. Nothing here imports kiosk/.
"""
