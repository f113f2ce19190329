/* bsfxml.c - TS 24.109 Annex C (being written). */
#include "bsfxml.h"
