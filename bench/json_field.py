#!/usr/bin/env python3
"""Prints one top-level field of the JSON object on stdin (scripts/bench).

    json_field.py NAME
"""
import json
import sys

print(json.load(sys.stdin)[sys.argv[1]])
