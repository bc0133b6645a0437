package main

import (
	"fmt"
	"math"
)

type Network struct {
	W      [8]float64
	B1, B2 float64
}

func sig(z float64) float64 { return 1.0 / (1.0 + math.Exp(-z)) }

func (n *Network) Forward(x [2]float64) (h, o [2]float64) {
	h[0] = sig(n.W[0]*x[0] + n.W[1]*x[1] + n.B1)
	h[1] = sig(n.W[2]*x[0] + n.W[3]*x[1] + n.B1)
	o[0] = sig(n.W[4]*h[0] + n.W[5]*h[1] + n.B2)
	o[1] = sig(n.W[6]*h[0] + n.W[7]*h[1] + n.B2)
	return
}

func (n *Network) Train(x, t [2]float64, lr float64) float64 {
	h, o := n.Forward(x)
	e := 0.5*math.Pow(t[0]-o[0], 2) + 0.5*math.Pow(t[1]-o[1], 2)
	var dO, dH [2]float64
	for k := 0; k < 2; k++ {
		dO[k] = (o[k] - t[k]) * o[k] * (1 - o[k])
	}
	dH[0] = (dO[0]*n.W[4] + dO[1]*n.W[6]) * h[0] * (1 - h[0])
	dH[1] = (dO[0]*n.W[5] + dO[1]*n.W[7]) * h[1] * (1 - h[1])
	g := [8]float64{dH[0] * x[0], dH[0] * x[1], dH[1] * x[0], dH[1] * x[1],
		dO[0] * h[0], dO[0] * h[1], dO[1] * h[0], dO[1] * h[1]}
	for k := range n.W {
		n.W[k] -= lr * g[k]
	}
	n.B1 -= lr * (dH[0] + dH[1])
	n.B2 -= lr * (dO[0] + dO[1])
	return e
}

func main() {
	net := Network{W: [8]float64{0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55}, B1: 0.35, B2: 0.60}
	x := [2]float64{0.05, 0.10}
	t := [2]float64{0.01, 0.99}
	for i := 0; i < 10000; i++ {
		e := net.Train(x, t, 0.5)
		if i%1000 == 0 {
			fmt.Println("Error:", e)
		}
	}
	fmt.Println("Trained weights")
	for _, w := range net.W {
		fmt.Println("Weight:", w)
	}
}
