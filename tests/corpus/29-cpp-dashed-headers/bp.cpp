// Step by step backpropagation, printing the interesting numbers every 1000 epochs
#include <cmath>
#include <cstdio>
#include <iostream>
#include <iomanip>

using namespace std;

double sigmoid(double net) { return 1.0 / (1.0 + exp(-net)); }

int main() {
    double i1 = 0.05, i2 = 0.10;
    double t1 = 0.01, t2 = 0.99;
    double w1 = 0.15, w2 = 0.20, w3 = 0.25, w4 = 0.30;
    double w5 = 0.40, w6 = 0.45, w7 = 0.50, w8 = 0.55;
    double b1 = 0.35, b2 = 0.60;
    double eta = 0.5;
    cout << setprecision(15);

    for (int epoch = 0; epoch < 10000; epoch++) {
        double out_h1 = sigmoid(w1 * i1 + w2 * i2 + b1);
        double out_h2 = sigmoid(w3 * i1 + w4 * i2 + b1);
        double out_o1 = sigmoid(w5 * out_h1 + w6 * out_h2 + b2);
        double out_o2 = sigmoid(w7 * out_h1 + w8 * out_h2 + b2);
        double E = 0.5 * pow(t1 - out_o1, 2) + 0.5 * pow(t2 - out_o2, 2);

        double delta1 = (out_o1 - t1) * out_o1 * (1 - out_o1);
        double delta2 = (out_o2 - t2) * out_o2 * (1 - out_o2);
        double gw5 = delta1 * out_h1, gw6 = delta1 * out_h2;
        double gw7 = delta2 * out_h1, gw8 = delta2 * out_h2;
        double dh1 = (delta1 * w5 + delta2 * w7) * out_h1 * (1 - out_h1);
        double dh2 = (delta1 * w6 + delta2 * w8) * out_h2 * (1 - out_h2);
        double gw1 = dh1 * i1, gw2 = dh1 * i2, gw3 = dh2 * i1, gw4 = dh2 * i2;

        if (epoch % 1000 == 0) {
            cout << "--- epoch " << epoch << " ---\n";
            cout << "out_h1 = " << out_h1 << "\n";
            cout << "out_o1 = " << out_o1 << "\n";
            cout << "out_o2 = " << out_o2 << "\n";
            cout << "E = " << E << "\n";
            cout << "gradient w5 = " << gw5 << "\n";
            cout << "gradient w1 = " << gw1 << "\n";
        }
        w1 -= eta * gw1; w2 -= eta * gw2; w3 -= eta * gw3; w4 -= eta * gw4;
        w5 -= eta * gw5; w6 -= eta * gw6; w7 -= eta * gw7; w8 -= eta * gw8;
    }
    return 0;
}
