// The plotly.js of the pages without a map: ESSA Dash's core (core-essa.js, made by build.sh:
// plotly.js's own core without the components no chart uses) plus bar and heatmap. No geo code
// (d3-geo, topojson): entry.js has it, for the pages that draw a map. Keep the two in step with
// TRACES in build.sh.
'use strict';

var Plotly = require('./core-essa');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
]);

module.exports = Plotly;
