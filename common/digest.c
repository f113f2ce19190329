/* digest.c - placeholder until implemented */
