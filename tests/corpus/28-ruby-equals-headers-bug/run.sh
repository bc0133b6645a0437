#!/bin/sh
cd "$(dirname "$0")" && exec ruby train.rb
