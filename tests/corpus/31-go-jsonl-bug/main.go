package main

import (
	"encoding/json"
	"fmt"
	"math"
)

type Record struct {
	Epoch   int         `json:"epoch"`
	Loss    float64     `json:"loss"`
	Outputs []float64   `json:"outputs"`
	Weights [][]float64 `json:"weights"`
	Hidden  [][]float64 `json:"hidden_weights"`
}

func sigmoid(v float64) float64 { return 1 / (1 + math.Exp(-v)) }

func main() {
	x := []float64{0.05, 0.10}
	y := []float64{0.01, 0.99}
	wh := [][]float64{{0.15, 0.20}, {0.25, 0.30}}
	wo := [][]float64{{0.40, 0.45}, {0.50, 0.55}}
	bh, bo, lr := 0.35, 0.60, 0.5
	var vo [2][2]float64 // step of the previous iteration (kept for plotting)

	for epoch := 1; epoch <= 10000; epoch++ {
		h := make([]float64, 2)
		o := make([]float64, 2)
		for j := 0; j < 2; j++ {
			h[j] = sigmoid(wh[j][0]*x[0] + wh[j][1]*x[1] + bh)
		}
		for k := 0; k < 2; k++ {
			o[k] = sigmoid(wo[k][0]*h[0] + wo[k][1]*h[1] + bo)
		}
		loss := 0.5 * ((y[0]-o[0])*(y[0]-o[0]) + (y[1]-o[1])*(y[1]-o[1]))
		dO := []float64{(o[0] - y[0]) * o[0] * (1 - o[0]), (o[1] - y[1]) * o[1] * (1 - o[1])}
		dH := make([]float64, 2)
		for j := 0; j < 2; j++ {
			dH[j] = (dO[0]*wo[0][j] + dO[1]*wo[1][j]) * h[j] * (1 - h[j])
		}
		for k := 0; k < 2; k++ {
			for j := 0; j < 2; j++ {
				vo[k][j] = 0.9*vo[k][j] + lr*dO[k]*h[j]
				wo[k][j] -= vo[k][j]
			}
		}
		for j := 0; j < 2; j++ {
			for i := 0; i < 2; i++ {
				wh[j][i] -= lr * dH[j] * x[i]
			}
		}
		if epoch == 1 || epoch%1000 == 0 {
			line, _ := json.Marshal(Record{epoch, loss, o, wo, wh})
			fmt.Println(string(line))
		}
	}
}
