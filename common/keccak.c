/* keccak.c - placeholder until implemented */
