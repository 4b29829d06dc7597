"""`kiosk-desk import_sources`: OpenStreetMap, calendars and the shop CSV again, through sync/build (run by a timer)."""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from desk.content.sources import ImportFailed, SourceList, reimport


class Command(BaseCommand):
    help = ("Import the map, places and calendar events again from the sources in the settings "
            "(DESK_SOURCE_*) or the options; the desk's own content is kept. Nothing changes when the build fails.")

    def add_arguments(self, parser):
        parser.add_argument("--osm", type=Path, help="OpenStreetMap extract (.osm, .osm.gz, .osm.pbf)")
        parser.add_argument("--bbox", help="only OpenStreetMap data inside S,W,N,E (degrees)")
        parser.add_argument("--boundary", type=Path, help="only OpenStreetMap data inside this .poly or GeoJSON")
        parser.add_argument("--calendar", action="append", default=[], help="iCalendar file or URL; repeatable")
        parser.add_argument("--places", type=Path, help="the shop CSV (facts for places, or new places)")
        parser.add_argument("--allow-insecure-http", action="store_true",
                            help="allow http:// calendar URLs (a closed network only)")

    def handle(self, *args, osm, bbox, boundary, calendar, places, allow_insecure_http, **options):
        chosen = SourceList.from_settings()
        if osm or calendar or places:  # options replace the settings' list as a whole
            chosen = SourceList(osm=osm, bbox=bbox or "", boundary=boundary, calendars=calendar, places=places)
        chosen.allow_insecure_http = allow_insecure_http
        try:
            done = reimport(chosen, timezone.now())
        except ImportFailed as exc:
            raise CommandError("\n".join([str(exc), *(f"  {line}" for line in exc.problems)])) from None
        self.stdout.write(f"Imported {chosen.describe()}: {done.places} places, {done.map_features} map features, "
                          f"{done.events} calendar events. Publish to send them to the terminals.")
        if done.report.strip():
            self.stdout.write(done.report)
