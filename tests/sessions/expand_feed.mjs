// Expands the calendar feed on standard input with Mozilla's ical.js (Thunderbird's parser): prints
// {uid: [instants in Unix seconds]}, every occurrence before the ISO instant in argv[2]. ical.js
// reads each TZID from the VTIMEZONE in the same calendar.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const end = Date.parse(process.argv[2]) / 1000;
const calendar = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
const occurrences = {};
for (const component of calendar.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(component);
  const found = (occurrences[event.uid] = []);
  const iterator = event.iterator();
  for (let next = iterator.next(); next && next.toUnixTime() < end; next = iterator.next()) {
    found.push(next.toUnixTime());
  }
}
process.stdout.write(JSON.stringify(occurrences));
