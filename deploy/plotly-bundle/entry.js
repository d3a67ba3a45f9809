// The plotly.js that ESSA Dash's charts need, and nothing else: ESSA Dash's core (core-essa.js,
// made by build.sh: plotly.js's own core without the components no chart uses) plus the trace
// types below. Adding a chart with another trace type? Add it here and to TRACES in build.sh.
'use strict';

var Plotly = require('./core-essa');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/choropleth'),
    require('plotly.js/lib/scattergeo'),
]);

module.exports = Plotly;
