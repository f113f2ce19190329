/* aka.c - placeholder until implemented */
