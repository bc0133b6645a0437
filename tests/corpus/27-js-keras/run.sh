#!/bin/sh
cd "$(dirname "$0")" && exec node fit.js
