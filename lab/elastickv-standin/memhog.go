package main

import (
	"log"
	"time"
)

// hoard keeps every chunk reachable, so neither the GC nor GOMEMLIMIT can give it back.
var hoard [][]byte

// allocateForever grows the heap until the kernel's OOM killer (or the container's memory
// limit) ends the process: the failure raftroll's remediation has to recover from.
func allocateForever() {
	const chunk = 32 << 20
	log.Printf("SIGUSR1: allocating memory until killed")
	for n := 1; ; n++ {
		b := make([]byte, chunk)
		// Touch every page: untouched pages are never resident and would not count.
		for i := 0; i < len(b); i += 4096 {
			b[i] = byte(n)
		}
		hoard = append(hoard, b)
		if n%8 == 0 {
			log.Printf("allocated %d MiB", n*chunk>>20)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
