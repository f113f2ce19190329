/* secagree.c - placeholder until implemented */
