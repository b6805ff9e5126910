#include <openssl/evp.h>
#include <stdio.h>
#include <time.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec/1e9;}
int main(void){
  EVP_PKEY *k=EVP_PKEY_Q_keygen(NULL,NULL,"EC","P-521");
  EVP_PKEY_CTX *c=EVP_PKEY_CTX_new_from_pkey(NULL,k,NULL);
  const int n=2000; double t0=now();
  for(int i=0;i<n;i++) if(EVP_PKEY_public_check(c)!=1) return 1;
  double t1=now();
  for(int i=0;i<n;i++) if(EVP_PKEY_public_check_quick(c)!=1) return 1;
  double t2=now();
  printf("P-521 public_check full: %.1f us, quick: %.1f us\n",(t1-t0)/n*1e6,(t2-t1)/n*1e6);
  return 0;}
