// Stands in for d3-geo-projection (65 kB: the projections d3-geo lacks, such as 'natural earth').
// plotly.js looks a projection up in d3-geo first; ESSA Dash's maps use only d3-geo's own
// (build.sh checks the code), so nothing is ever looked up here.
'use strict';

module.exports = {};
