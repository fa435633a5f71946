"""Reference data the product needs at run time: the Twente network's nodes and sites, and PC4
geography (centroids, towns, distances, which nodes serve a postcode).

The lowest layer next to veldclient.errors: fixed data and pure functions over it, importing nothing
of veldclient, so the domain, core and every layer above may use it. The demo generator
(veldclient.fixtures) builds its made-up people on top of it.
"""
