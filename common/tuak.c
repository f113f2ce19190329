/* tuak.c - placeholder until implemented */
