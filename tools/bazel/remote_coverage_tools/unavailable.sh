#!/bin/sh
echo "coverage is not available in the offline plumsim build" >&2
exit 1
