"""What the stub generators make_stubs.py and make_stubs_ad.py share: the
names of NDR64 cases, NDR pointer and array types declared in one line, and
fields set in one call (impacket 0.10.0; run the generators with
/usr/bin/python3, which finds this module beside them).
"""
from impacket.dcerpc.v5.ndr import NDRPOINTER, NDRSTRUCT, NDRUniConformantArray


def stub_name(name, call):
    """A case's name: an NDR64 stub's ends in .ndr64 (the tests go by it)."""
    assert not name.endswith(".ndr64"), name
    return name + ".ndr64" if call._isNDR64 else name


def pointer(cls, name=None):
    """impacket's `class PX(NDRPOINTER): referent = (("Data", X),)` for a type X."""
    return type(name or "P" + cls.__name__, (NDRPOINTER,), {"referent": (("Data", cls),)})


def struct(name, structure):
    """impacket's `class NAME(NDRSTRUCT): structure = STRUCTURE`."""
    return type(name, (NDRSTRUCT,), {"structure": structure})


def conformant_array(name, item):
    """impacket's `class NAME(NDRUniConformantArray): item = ITEM`."""
    return type(name, (NDRUniConformantArray,), {"item": item})


def fill(obj, **fields):
    """Sets the fields of an NDR structure or call in the order given; returns it."""
    for key, value in fields.items():
        obj[key] = value
    return obj
