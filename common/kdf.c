/* kdf.c - placeholder until implemented */
