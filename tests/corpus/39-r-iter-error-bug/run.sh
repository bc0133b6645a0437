#!/bin/sh
cd "$(dirname "$0")" && exec Rscript --vanilla train.R
