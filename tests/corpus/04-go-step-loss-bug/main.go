package main

import (
	"fmt"
	"math"
)

func sigmoid(x float64) float64 {
	return 1 / (1 + math.Exp(-x))
}

func main() {
	i1, i2 := 0.05, 0.10
	t1, t2 := 0.01, 0.99
	w1, w2, w3, w4 := 0.15, 0.20, 0.25, 0.30
	w5, w6, w7, w8 := 0.40, 0.45, 0.50, 0.55
	b1, b2 := 0.35, 0.60
	lr := 0.5
	steps := 5000

	for step := 1; step <= steps; step++ {
		h1 := sigmoid(w1*i1 + w2*i2 + b1)
		h2 := sigmoid(w3*i1 + w4*i2 + b1)
		o1 := sigmoid(w5*h1 + w6*h2 + b2)
		o2 := sigmoid(w7*h1 + w8*h2 + b2)

		dO1 := o1 - t1
		dO2 := o2 - t2
		dH1 := (dO1*w5 + dO2*w7) * h1 * (1 - h1)
		dH2 := (dO1*w6 + dO2*w8) * h2 * (1 - h2)

		w5, w6, w7, w8 = w5-lr*dO1*h1, w6-lr*dO1*h2, w7-lr*dO2*h1, w8-lr*dO2*h2
		w1, w2, w3, w4 = w1-lr*dH1*i1, w2-lr*dH1*i2, w3-lr*dH2*i1, w4-lr*dH2*i2

		if step%500 == 0 {
			h1 = sigmoid(w1*i1 + w2*i2 + b1)
			h2 = sigmoid(w3*i1 + w4*i2 + b1)
			o1 = sigmoid(w5*h1 + w6*h2 + b2)
			o2 = sigmoid(w7*h1 + w8*h2 + b2)
			loss := 0.5*(t1-o1)*(t1-o1) + 0.5*(t2-o2)*(t2-o2)
			fmt.Printf("Step %d | Loss: %.8f\n", step, loss)
		}
	}
}
