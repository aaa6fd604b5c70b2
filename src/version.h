/* version: what `galley --version` and the metrics' build_info say. */
#ifndef GALLEY_VERSION_H
#define GALLEY_VERSION_H

#define GALLEY_VERSION	"0.1.0"

#endif
