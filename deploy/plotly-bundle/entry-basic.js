// The plotly.js of the pages without a map: core (scatter, shapes, annotations, legend,
// hover, modebar, colour bars) plus bar and heatmap. No geo code (d3-geo, topojson):
// entry.js has it, for the pages that draw a map. Keep the two in step with TRACES in build.sh.
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
]);

module.exports = Plotly;
