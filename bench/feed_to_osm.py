"""Writes a silkroute feed (places.csv, links.csv) as OSM XML for import benchmarks.

Every place becomes a node; every link a way tagged highway=primary (speed >= 100 km/h) or
highway=residential, with 2 intermediate shape nodes on the straight line so the importer has
geometry to keep. Ids are synthetic; this is not OpenStreetMap data.
Usage: python3 bench/feed_to_osm.py FEED_DIR OUT.osm
"""
import csv
import sys

feed, out = sys.argv[1], sys.argv[2]
ids = {}
coords = []
with open(f"{feed}/places.csv", newline="") as f:
    for i, r in enumerate(csv.DictReader(f)):
        ids[r["id"]] = i + 1
        coords.append((float(r["lat"]), float(r["lon"])))
next_id = len(coords) + 1
with open(out, "w") as o:
    o.write("<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6' generator='silkroute bench'>\n")
    for i, (lat, lon) in enumerate(coords):
        o.write(f"<node id='{i + 1}' version='1' lat='{lat:.7f}' lon='{lon:.7f}'/>\n")
    ways = []
    with open(f"{feed}/links.csv", newline="") as f:
        for r in csv.DictReader(f):
            a, b = ids[r["from"]], ids[r["to"]]
            (la, lo), (lb, lob) = coords[a - 1], coords[b - 1]
            shape = []
            for k in (1, 2):
                t = k / 3
                o.write(f"<node id='{next_id}' version='1' lat='{la + (lb - la) * t:.7f}' lon='{lo + (lob - lo) * t:.7f}'/>\n")
                shape.append(next_id)
                next_id += 1
            ways.append((a, shape, b, float(r["speed_kmh"] or 50)))
    for w, (a, shape, b, speed) in enumerate(ways):
        cls = "primary" if speed >= 100 else "residential"
        refs = "".join(f"<nd ref='{n}'/>" for n in [a, *shape, b])
        o.write(f"<way id='{w + 1}' version='1'>{refs}<tag k='highway' v='{cls}'/><tag k='maxspeed' v='{int(speed)}'/></way>\n")
    o.write("</osm>\n")
