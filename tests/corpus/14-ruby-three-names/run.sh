#!/bin/sh
cd "$(dirname "$0")" && exec ruby neural.rb
