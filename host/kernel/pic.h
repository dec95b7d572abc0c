/* host/kernel/pic.h: the 8259 interrupt controllers (host/kernel/pic.c, B:060). */
#ifndef HOST_PIC_H
#define HOST_PIC_H

void pic_init(void);
void pic_mask(unsigned irq);
void pic_unmask(unsigned irq);
void pic_eoi(unsigned irq);

#endif
