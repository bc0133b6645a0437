package main

import (
	"fmt"
	"math"
)

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func main() {
	i1, i2 := 0.05, 0.10
	t1, t2 := 0.01, 0.99
	w := []float64{0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55}
	b1, b2 := 0.35, 0.60
	const lr = 0.5

	for epoch := 0; epoch <= 10000; epoch++ {
		h1 := sigmoid(w[0]*i1 + w[1]*i2)
		h2 := sigmoid(w[2]*i1 + w[3]*i2 + b1)
		o1 := sigmoid(w[4]*h1 + w[5]*h2 + b2)
		o2 := sigmoid(w[6]*h1 + w[7]*h2 + b2)
		if epoch%2000 == 0 {
			fmt.Println("epoch", epoch)
			fmt.Println("Outputs =", o1, o2)
			fmt.Printf("Total error = %.12f\n", 0.5*(t1-o1)*(t1-o1)+0.5*(t2-o2)*(t2-o2))
		}
		if epoch == 10000 {
			break
		}
		do1 := (o1 - t1) * o1 * (1 - o1)
		do2 := (o2 - t2) * o2 * (1 - o2)
		dh1 := (do1*w[4] + do2*w[6]) * h1 * (1 - h1)
		dh2 := (do1*w[5] + do2*w[7]) * h2 * (1 - h2)
		grad := []float64{dh1 * i1, dh1 * i2, dh2 * i1, dh2 * i2, do1 * h1, do1 * h2, do2 * h1, do2 * h2}
		for k := range w {
			w[k] -= lr * grad[k]
		}
	}
	fmt.Println()
	fmt.Println("| weight | value |")
	for k, v := range w {
		fmt.Printf("| w%d | %.10f |\n", k+1, v)
	}
}
