/* milenage.c - placeholder until implemented */
