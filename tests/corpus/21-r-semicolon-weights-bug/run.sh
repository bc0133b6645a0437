#!/bin/sh
cd "$(dirname "$0")" && exec Rscript --vanilla backprop.R
