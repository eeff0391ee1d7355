"""Shared machinery for IOS-style configuration text (Cisco IOS/IOS-XE and Arista EOS).

``blocks`` splits text into indented blocks, ``tally`` accounts for every line, ``acl``/``acls``/
``objgroup`` read access lists, ``interfaces``/``switchport``/``routes``/``routing``/``vrfs`` the
rest, ``config`` drives one file, ``detect`` scores platforms. Platform differences are data
(``context.Dialect``, the tables in ``ports``, ``names`` and ``irrelevant``).
"""
