/* xfrm.c - placeholder until implemented */
