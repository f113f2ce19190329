/* guss.c - TS 29.109 Annex A GUSS (being written). */
#include "guss.h"
